import { runStoreContract } from './contract/runStoreContract.ts';
import { postgresSubject } from './contract/subject.ts';

describe('store contract: PostgreSQL (DATABASE_URL)', function () {
  this.timeout(30_000);
  runStoreContract(postgresSubject());
});
