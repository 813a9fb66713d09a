import { type Activity, TestAdapter, type TurnContext } from 'botbuilder';
import { expect } from 'chai';
import type { Memory } from '../../../dialogs/root/conversationMemory.ts';
import { ProcessMemoryAccessor } from '../../../dialogs/root/processMemory.ts';

const memoryOf = (line: string): Memory => ({ lines: [line] });

/** Runs `fn` in a turn of conversation `id`. */
async function inTurn(id: string, fn: (context: TurnContext) => Promise<void>): Promise<void> {
  const activity: Partial<Activity> = {
    type: 'message',
    text: 'x',
    conversation: { id, isGroup: false, conversationType: 'personal', name: id },
  };
  await new TestAdapter(async (context) => fn(context)).send(activity);
}

describe('dialogs/root/processMemory: the conversation memory kept in the process', () => {
  it('keeps each conversation its own memory, and forgets the one set longest ago beyond the limit', async () => {
    const accessor = new ProcessMemoryAccessor({ maxConversations: 2 });
    for (const id of ['a', 'b', 'c']) await inTurn(id, (context) => accessor.set(context, memoryOf(id)));
    const seen: (Memory | undefined)[] = [];
    for (const id of ['a', 'b', 'c']) await inTurn(id, async (context) => void seen.push(await accessor.get(context)));
    expect(seen).to.deep.equal([undefined, memoryOf('b'), memoryOf('c')]);
  });

  it('forgets a memory not changed for maxIdleMs (a day by default), and returns the default then', async () => {
    let now = 0;
    const accessor = new ProcessMemoryAccessor({ maxIdleMs: 1000, now: () => now });
    await inTurn('a', (context) => accessor.set(context, memoryOf('old')));
    now = 500;
    await inTurn('b', (context) => accessor.set(context, memoryOf('newer')));
    now = 1200;
    const seen: (Memory | undefined)[] = [];
    await inTurn('a', async (context) => void seen.push(await accessor.get(context, { lines: [] })));
    await inTurn('b', async (context) => void seen.push(await accessor.get(context)));
    expect(seen).to.deep.equal([{ lines: [] }, memoryOf('newer')]);
  });

  it('delete() forgets the conversation', async () => {
    const accessor = new ProcessMemoryAccessor();
    await inTurn('a', (context) => accessor.set(context, memoryOf('x')));
    await inTurn('a', (context) => accessor.delete(context));
    let seen: Memory | undefined = memoryOf('not read');
    await inTurn('a', async (context) => {
      seen = await accessor.get(context);
    });
    expect(seen).to.equal(undefined);
  });
});
