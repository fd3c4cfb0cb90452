import { describe, expect, it } from '@jest/globals';
import { Controller, Get, Post, UseGuards, type CanActivate } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants.js';
import { DependsOn } from './depends-on.decorator.js';
import { DependsOnGuard } from './depends-on.guard.js';
import { getDependsOnMetadata } from './depends-on.metadata.js';

class OtherGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

const handlerOf = (type: { prototype: object }, name: string): object => Object.getOwnPropertyDescriptor(type.prototype, name)!.value as object;

describe('@DependsOn()', () => {
  it('keeps the class list and the method list apart; the guard is on the class once, taken off methods that had it', () => {
    @Controller('orders')
    @DependsOn('database')
    class OrdersController {
      @Get()
      list() {}

      @Post()
      @UseGuards(OtherGuard)
      @DependsOn('payments', { failFast: false })
      @DependsOn('group:payments')
      create() {}
    }
    expect(getDependsOnMetadata(OrdersController)).toEqual({ names: ['database'] });
    expect(getDependsOnMetadata(handlerOf(OrdersController, 'create'))).toEqual({ names: ['group:payments', 'payments'], failFast: false });
    expect(getDependsOnMetadata(handlerOf(OrdersController, 'list'))).toBeUndefined();
    expect(Reflect.getMetadata(GUARDS_METADATA, OrdersController)).toEqual([DependsOnGuard]);
    // The method keeps the app's own guard and loses only the duplicate.
    expect(Reflect.getMetadata(GUARDS_METADATA, handlerOf(OrdersController, 'create'))).toEqual([OtherGuard]);
  });

  it('guards a method once however many @DependsOn() it carries, when the class has none', () => {
    class PaymentsController {
      @Post()
      @DependsOn('payments')
      @DependsOn('database', 'payments')
      pay() {}
    }
    expect(getDependsOnMetadata(handlerOf(PaymentsController, 'pay'))).toEqual({ names: ['database', 'payments'] });
    expect(Reflect.getMetadata(GUARDS_METADATA, handlerOf(PaymentsController, 'pay'))).toEqual([DependsOnGuard]);
  });

  it('refuses what is not a name or the trailing options, where it is written', () => {
    expect(() => DependsOn('')).toThrow('@DependsOn(): argument 1 must be a check name or "group:<name>", then optionally { failFast }; got ""');
    expect(() => DependsOn({ failFast: true } as unknown as string)).toThrow('needs at least one check name');
    expect(() => DependsOn('db', { failFast: 'yes' } as never)).toThrow('"failFast" must be true or false');
    expect(() => DependsOn('db', { failfast: true } as never)).toThrow('unknown option "failfast"; accepted: failFast');
    expect(() => DependsOn('db', { failFast: true }, 'cache')).toThrow('argument 2 must be a check name');
  });
});
