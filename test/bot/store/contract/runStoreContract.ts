import { directLineContract } from './directLine.contract.ts';
import { infrastructureContract } from './infrastructure.contract.ts';
import { requestStoreContract } from './requestStore.contract.ts';
import { stateStorageContract } from './stateStorage.contract.ts';
import type { StoreSubject } from './subject.ts';

/** Every contract suite, on one store implementation (call inside a describe that made the subject). */
export function runStoreContract(subject: StoreSubject): void {
  requestStoreContract(subject);
  stateStorageContract(subject);
  infrastructureContract(subject);
  directLineContract(subject);
}
