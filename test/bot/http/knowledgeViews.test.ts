import { expect } from 'chai';
import { replyMarkup } from '../../../bot/http/console/knowledge/views.ts';
import { escapeHtml } from '../../../bot/http/html.ts';

describe('knowledge console views', () => {
  it('shows a reply as the chat does (**bold**, _italic_) and everything else, inside too, as escaped text', () => {
    expect(replyMarkup('**Apa itu?**\n\nTidak.\n\n_— Pernyataan_').markup).to.equal(
      '<b>Apa itu?</b>\n\nTidak.\n\n<i>— Pernyataan</i>',
    );
    expect(replyMarkup('pihak_lain dan snake_case_word tetap').markup).to.equal('pihak_lain dan snake_case_word tetap');
    const evil = '**<img src=x onerror=alert(1)>** _<script>alert(1)</script>_ <a href="javascript:x">';
    const out = replyMarkup(evil).markup;
    expect(out).to.equal(
      `<b>${escapeHtml('<img src=x onerror=alert(1)>')}</b> <i>${escapeHtml('<script>alert(1)</script>')}</i> ${escapeHtml('<a href="javascript:x">')}`,
    );
  });
});
