import { expect } from 'chai';
import { CSV_BOM, csvField, toCsv } from '../../domain/csv.ts';

describe('domain/csv', () => {
  it('starts with the UTF-8 byte-order mark and ends every line with CRLF', () => {
    const csv = toCsv(
      ['id', 'name'],
      [
        ['1', 'Budi'],
        ['2', 'Ani'],
      ],
    );
    expect(csv.charCodeAt(0)).to.equal(0xfeff);
    expect(csv).to.equal(`${CSV_BOM}id,name\r\n1,Budi\r\n2,Ani\r\n`);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).to.deep.equal(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('writes just the header when there are no rows', () => {
    expect(toCsv(['email', 'added'], [])).to.equal(`${CSV_BOM}email,added\r\n`);
  });

  it('quotes fields with a comma, a quote, CR or LF, doubling the quotes (RFC 4180)', () => {
    expect(csvField('Jl. Sudirman, Jakarta')).to.equal('"Jl. Sudirman, Jakarta"');
    expect(csvField('say "hi"')).to.equal('"say ""hi"""');
    expect(csvField('line one\nline two')).to.equal('"line one\nline two"');
    expect(csvField('a\r\nb')).to.equal('"a\r\nb"');
    expect(csvField('plain text')).to.equal('plain text');
    expect(csvField('Bu Sri ✓ ñ')).to.equal('Bu Sri ✓ ñ');
  });

  it('keeps a newline inside a quoted field in one row', () => {
    const csv = toCsv(['id', 'note'], [['1', 'a\nb']]);
    expect(csv).to.equal(`${CSV_BOM}id,note\r\n1,"a\nb"\r\n`);
  });

  for (const start of ['=', '+', '-', '@', '\t', '\r']) {
    it(`neutralises a text cell starting with ${JSON.stringify(start)} by a leading apostrophe`, () => {
      const field = csvField(`${start}HYPERLINK("http://x.example","y")`);
      const unquoted = field.startsWith('"') ? field.slice(1, -1).replaceAll('""', '"') : field;
      expect(unquoted).to.equal(`'${start}HYPERLINK("http://x.example","y")`);
    });
  }

  it('quotes a neutralised cell when it needs quotes, and leaves a dangerous character later in the cell alone', () => {
    expect(csvField('=1+2')).to.equal("'=1+2");
    expect(csvField('=SUM(A1,B1)')).to.equal(`"'=SUM(A1,B1)"`);
    expect(csvField('\rx')).to.equal(`"'\rx"`);
    expect(csvField('a=b-c')).to.equal('a=b-c');
    expect(csvField('budi@example.com')).to.equal('budi@example.com');
  });

  it('writes numbers and booleans as they are (they are not user input) and undefined as an empty cell', () => {
    expect(toCsv(['n', 'neg', 'ok', 'none'], [[3, -3, true, undefined]])).to.equal(
      `${CSV_BOM}n,neg,ok,none\r\n3,-3,true,\r\n`,
    );
    expect(csvField('-3')).to.equal("'-3");
  });
});
