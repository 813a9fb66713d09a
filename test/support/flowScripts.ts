/**
 * Whole conversations of the three flows, for tests that need a request made rather than the steps themselves
 * (mail caps, "already unsubscribed", restarts). Each returns the texts of the bot's last turn.
 */
import { expect } from 'chai';
import type { Chat } from './flowHarness.ts';

/** "saya mau unsubscribe" → address → "ya". */
export async function unsubscribe(chat: Chat, email: string): Promise<string[]> {
  await chat.say('saya mau unsubscribe');
  const confirm = await chat.say(email);
  expect(confirm.join('\n'), 'the address was accepted').to.include('Hentikan e-mail promosi');
  return chat.say('ya');
}

export interface SupportAnswers {
  /** The message that starts the flow (it also serves as the question when it says something). */
  readonly start?: string;
  /** The title of the kind's button, as the customer's channel sends it back. */
  readonly kind?: string;
  readonly name?: string;
  readonly email: string;
  readonly account?: string;
}

/** "tolong hapus data saya" → kind → name → e-mail → account → "ya". */
export async function supportRequest(chat: Chat, answers: SupportAnswers): Promise<string[]> {
  const kindPrompt = await chat.say(answers.start ?? 'tolong hapus data saya');
  expect(kindPrompt.join('\n'), 'the flow asks the kind').to.include('Jenis permintaan Anda?');
  await chat.say(answers.kind ?? 'Permintaan penghapusan data pribadi');
  await chat.say(answers.name ?? 'Budi Santoso');
  await chat.say(answers.email);
  const summary = await chat.say(answers.account ?? 'lewati');
  expect(summary.join('\n'), 'the flow shows the summary').to.include('Kirim ke tim support?');
  return chat.say('ya');
}

export interface ConsentAnswers {
  readonly start?: string;
  readonly childName?: string;
  readonly childEmail: string;
  readonly parentName?: string;
  readonly parentEmail: string;
}

/** "saya masih 16 tahun" → names and addresses → "ya". */
export async function parentalConsent(chat: Chat, answers: ConsentAnswers): Promise<string[]> {
  const first = await chat.say(answers.start ?? 'saya masih 16 tahun');
  expect(first.join('\n'), 'the flow asks the name').to.include('Nama lengkap calon pelanggan?');
  await chat.say(answers.childName ?? 'Siti Aminah');
  await chat.say(answers.childEmail);
  await chat.say(answers.parentName ?? 'Ani Suryani');
  const summary = await chat.say(answers.parentEmail);
  expect(summary.join('\n'), 'the flow shows the summary').to.include('Kirim permintaan persetujuan');
  return chat.say('ya');
}
