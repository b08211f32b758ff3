// The workflows a kfed worker registers (bundled by Temporal's workflow bundler).
export { federate } from './federate.js';
export { provisionCluster } from './provision-cluster.js';
export { teardown } from './teardown.js';
export { rebuild } from './rebuild.js';
export { plan } from './plan.js';
export { health } from './health.js';
export { rotateCredentials } from './rotate-credentials.js';
export { serviceDns } from './service-dns.js';
