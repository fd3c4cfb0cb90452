// Reads Kubernetes YAML (multi-document files, `kubectl get -o yaml` Lists) into the pod templates it holds.

import { loadAll } from 'js-yaml';

/** A file larger than this is refused: manifests are kilobytes, and the input is bounded. */
export const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

/** Input that cannot be read as Kubernetes YAML: exit code 2. */
export class UnreadableManifestError extends Error {}

/**
 * @typedef {Record<string, any>} KubeObject
 * @typedef {{ source: string, kind: string, name: string, namespace?: string, podSpec: KubeObject }} Workload
 */

/** Where each kind keeps its pod spec. */
const POD_SPEC_OF = /** @type {Record<string, (object: KubeObject) => unknown>} */ ({
  Pod: (object) => object.spec,
  PodTemplate: (object) => object.template?.spec,
  Deployment: (object) => object.spec?.template?.spec,
  StatefulSet: (object) => object.spec?.template?.spec,
  DaemonSet: (object) => object.spec?.template?.spec,
  ReplicaSet: (object) => object.spec?.template?.spec,
  ReplicationController: (object) => object.spec?.template?.spec,
  Job: (object) => object.spec?.template?.spec,
  CronJob: (object) => object.spec?.jobTemplate?.spec?.template?.spec,
});

/** The kinds whose pod templates are checked. */
export const WORKLOAD_KINDS = Object.keys(POD_SPEC_OF);

const isObject = (/** @type {unknown} */ value) => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The workloads of one YAML text: every document, `List` items flattened; other kinds (Service, ConfigMap...) skipped.
 * @param {string} text
 * @param {string} source the file name, or `-` for standard input
 * @returns {Workload[]}
 */
export function workloadsOf(text, source) {
  /** @type {unknown[]} */
  let documents;
  try {
    documents = loadAll(text);
  } catch (error) {
    const message = /** @type {Error} */ (error).message.split('\n')[0];
    throw new UnreadableManifestError(`${source}: not valid YAML: ${message}`);
  }
  /** @type {Workload[]} */
  const workloads = [];
  const visit = (/** @type {unknown} */ document, /** @type {number} */ depth) => {
    if (!isObject(document)) return;
    const object = /** @type {KubeObject} */ (document);
    if (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items) && depth < 4) {
      for (const item of object.items) visit(item, depth + 1);
      return;
    }
    const podSpecOf = typeof object.kind === 'string' && Object.hasOwn(POD_SPEC_OF, object.kind) ? POD_SPEC_OF[object.kind] : undefined;
    if (!podSpecOf) return;
    const podSpec = podSpecOf(object);
    const name = typeof object.metadata?.name === 'string' ? object.metadata.name : '(unnamed)';
    if (!isObject(podSpec) || !Array.isArray(/** @type {KubeObject} */ (podSpec).containers)) {
      throw new UnreadableManifestError(`${source}: ${object.kind}/${name} has no pod template with containers`);
    }
    const namespace = typeof object.metadata?.namespace === 'string' ? object.metadata.namespace : undefined;
    workloads.push({ source, kind: object.kind, name, ...(namespace ? { namespace } : {}), podSpec: /** @type {KubeObject} */ (podSpec) });
  };
  for (const document of documents) visit(document, 0);
  return workloads;
}
