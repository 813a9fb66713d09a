import { expect } from 'chai';
import { knowledgeToCsv, parseCsv, sheetPatches } from '../../domain/knowledgeSheet.ts';
import type { KnowledgeService } from '../../knowledge/knowledgeService.ts';
import { parseKnowledge } from '../../knowledge/load.ts';
import { editEntries, entryVersions } from '../../knowledge/yamlEdit.ts';
import { loadRealKnowledge } from '../support/buildBot.ts';

const exported = (service: KnowledgeService): string =>
  knowledgeToCsv(service.knowledge, entryVersions(service.current.sources.faq));

describe('knowledge spreadsheet: export and import', () => {
  it('round-trips every entry unchanged', async () => {
    const service = await loadRealKnowledge();
    const { knowledge } = service;
    const csv = exported(service);
    expect(parseCsv(csv)).to.have.length(knowledge.entries.length + 1);
    const back = sheetPatches(knowledge, csv);
    expect(back).to.deep.equal({ ok: true, patches: new Map(), bases: new Map(), changedFields: 0 });
  });

  it('turns edited cells into patches of only those fields, which the writer applies', async () => {
    const service = await loadRealKnowledge();
    const rows = parseCsv(exported(service));
    const header = rows[0] ?? [];
    const col = (name: string) => header.indexOf(name);
    const cookie = rows.find((r) => r[0] === 'cookie') ?? [];
    cookie[col('answer_en')] = 'A cookie is a small text file.';
    cookie[col('alternates_en')] = `-is a cookie a virus\n${cookie[col('alternates_en')]}`;
    const quote = (c: string) =>
      /[",\r\n]/.test(c) || /^[=+\-@]/.test(c) ? `"${(/^[=+\-@]/.test(c) ? `'${c}` : c).replaceAll('"', '""')}"` : c;
    const edited = rows.map((r) => r.map(quote).join(',')).join('\r\n');
    const result = sheetPatches(service.knowledge, edited);
    expect(result.ok).to.equal(true);
    if (!result.ok) return;
    expect([...result.patches.keys()]).to.deep.equal(['cookie']);
    expect(Object.keys(result.patches.get('cookie') ?? {}).sort()).to.deep.equal(['alternates', 'answer']);
    // The version the entry had when exported comes back with the patch (the import checks it is still that one).
    expect(result.bases).to.deep.equal(new Map([['cookie', entryVersions(service.current.sources.faq).get('cookie')]]));
    const out = editEntries(service.current.sources.faq, result.patches);
    const entry = parseKnowledge(out, 'faq.yaml').entries.find((e) => e.id === 'cookie');
    expect(entry?.answer?.en).to.equal('A cookie is a small text file.');
    expect(entry?.alternates.en[0]).to.equal('-is a cookie a virus');
  });

  it('refuses unknown entries and missing columns, naming them', async () => {
    const service = await loadRealKnowledge();
    const { knowledge } = service;
    expect(sheetPatches(knowledge, 'id,kind\r\nx,policy\r\n')).to.deep.include({ ok: false });
    const csv = `${exported(service)}nope,policy,,,,,,,,,,,\r\n`;
    const result = sheetPatches(knowledge, csv);
    expect(result).to.deep.equal({
      ok: false,
      problems: [
        `row ${knowledge.entries.length + 2}: no entry "nope" (a sheet changes entries; it does not add them)`,
      ],
    });
  });

  it('refuses a malformed sheet whole, with every reason: an open quote, a short row, a changed row without its version', async () => {
    const service = await loadRealKnowledge();
    const rows = parseCsv(exported(service));
    const header = rows[0] ?? [];
    const csvOf = (table: string[][]) =>
      table.map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',')).join('\r\n');
    const sheet = rows.map((r) => [...r]);
    const cookie = sheet.findIndex((r) => r[0] === 'cookie');
    const protect = sheet.findIndex((r) => r[0] === 'protect');
    // A changed cell without the version it was exported at (another admin may have changed the entry since).
    (sheet[cookie] as string[])[header.indexOf('answer_en')] = 'A cookie is a small text file.';
    (sheet[cookie] as string[])[header.indexOf('version')] = '';
    // A row cut short (a cell break outside quotes): its cells would land in the wrong fields.
    sheet[protect] = (sheet[protect] as string[]).slice(0, 5);
    const refused = sheetPatches(service.knowledge, csvOf(sheet));
    expect(refused.ok).to.equal(false);
    if (!refused.ok)
      expect(refused.problems).to.have.members([
        `row ${cookie + 1}: entry "cookie" is changed but its version cell is empty`,
        `row ${protect + 1}: 5 cells where the header has ${header.length}`,
      ]);
    // A quote never closed would swallow the rest of the file into one cell: nothing is read.
    const head = csvOf(rows.slice(0, 3));
    const open = `${head}\r\n"cookie,policy,Cookie\r\nprotect,policy`;
    expect(sheetPatches(service.knowledge, open)).to.deep.equal({
      ok: false,
      problems: [`not a CSV file: the quote opened on line ${head.split('\n').length + 1} is never closed`],
    });
    expect(() => parseCsv('a,"b\r\nc,d')).to.throw('the quote opened on line 1 is never closed');
  });

  it('parses RFC 4180: quotes, doubled quotes, line breaks in cells, CRLF, a BOM', () => {
    expect(parseCsv('\uFEFFa,"b ""c""","d\r\ne"\r\n1,2,3\r\n')).to.deep.equal([
      ['a', 'b "c"', 'd\r\ne'],
      ['1', '2', '3'],
    ]);
  });
});
