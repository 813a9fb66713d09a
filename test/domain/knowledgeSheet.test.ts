import { expect } from 'chai';
import { knowledgeToCsv, parseCsv, sheetPatches } from '../../domain/knowledgeSheet.ts';
import { parseKnowledge } from '../../knowledge/load.ts';
import { editEntries } from '../../knowledge/yamlEdit.ts';
import { loadRealKnowledge } from '../support/buildBot.ts';

describe('knowledge spreadsheet: export and import', () => {
  it('round-trips every entry unchanged', async () => {
    const { knowledge } = await loadRealKnowledge();
    const csv = knowledgeToCsv(knowledge);
    expect(parseCsv(csv)).to.have.length(knowledge.entries.length + 1);
    const back = sheetPatches(knowledge, csv);
    expect(back).to.deep.equal({ ok: true, patches: new Map(), changedFields: 0 });
  });

  it('turns edited cells into patches of only those fields, which the writer applies', async () => {
    const service = await loadRealKnowledge();
    const rows = parseCsv(knowledgeToCsv(service.knowledge));
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
    const out = editEntries(service.current.sources.faq, result.patches);
    const entry = parseKnowledge(out, 'faq.yaml').entries.find((e) => e.id === 'cookie');
    expect(entry?.answer?.en).to.equal('A cookie is a small text file.');
    expect(entry?.alternates.en[0]).to.equal('-is a cookie a virus');
  });

  it('refuses unknown entries and missing columns, naming them', async () => {
    const { knowledge } = await loadRealKnowledge();
    expect(sheetPatches(knowledge, 'id,kind\r\nx,policy\r\n')).to.deep.include({ ok: false });
    const csv = `${knowledgeToCsv(knowledge)}nope,policy,,,,,,,,,,\r\n`;
    const result = sheetPatches(knowledge, csv);
    expect(result).to.deep.equal({
      ok: false,
      problems: [
        `row ${knowledge.entries.length + 2}: no entry "nope" (a sheet changes entries; it does not add them)`,
      ],
    });
  });

  it('parses RFC 4180: quotes, doubled quotes, line breaks in cells, CRLF, a BOM', () => {
    expect(parseCsv('\uFEFFa,"b ""c""","d\r\ne"\r\n1,2,3\r\n')).to.deep.equal([
      ['a', 'b "c"', 'd\r\ne'],
      ['1', '2', '3'],
    ]);
  });
});
