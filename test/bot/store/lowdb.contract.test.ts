import { runStoreContract } from './contract/runStoreContract.ts';
import { lowdbSubject } from './contract/subject.ts';

describe('store contract: lowdb (one JSON file in DATA_DIR)', () => {
  runStoreContract(lowdbSubject());
});
