// `node --import ./hide-swagger.js …`: makes @nestjs/swagger unresolvable, as in an app that does not install it.
import { register } from 'node:module';

register('./hide-swagger.hooks.js', import.meta.url);
