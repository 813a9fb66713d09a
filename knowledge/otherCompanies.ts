/**
 * Other companies, products and platforms customers ask about ("apakah shopee menjual data penggunanya?"). The
 * statement speaks only for Wowrack Indonesia, so a question whose subject is one of these is answered honestly as
 * "about another company" (an off-topic entry), never with Wowrack's policy. Plain data plus one pure function.
 *
 * Names are compared on the words of toWords() (lower case, punctuation out); multi-word names are written with
 * spaces. Browsers the statement itself recommends (Internet Explorer, Firefox) are deliberately not listed.
 */
const NAMES = `
  shopee tokopedia tokped lazada bukalapak blibli zalora tiktok olx carousell bhinneka elevenia ralali jdid orami
  sociolla tiket agoda airbnb
  instagram facebook whatsapp messenger twitter telegram linkedin youtube snapchat threads wechat kakaotalk
  pinterest discord reddit tinder michat bumble quora tumblr
  google gmail gcp chrome android apple icloud iphone microsoft azure yahoo hotmail protonmail
  chatgpt openai gemini copilot deepseek
  zoom slack notion canva capcut dropbox roblox steam
  amazon aws alibaba huawei tencent oracle ibm digitalocean vultr linode cloudflare heroku ovh hetzner contabo
  rackspace akamai netlify vercel github gitlab wix squarespace shopify weebly
  niagahoster hostinger rumahweb idcloudhost dewaweb jagoanhosting domainesia qwords masterweb
  exabytes indowebsite dewabiz biznet telkom telkomsel indihome indosat smartfren xl axis im3 byu
  cloudkilat idwebhost jetorbit herza warnahost dapurhosting lintasarta telkomsigma datacomm
  godaddy namecheap bluehost hostgator siteground
  gojek gopay grab ovo linkaja shopeepay traveloka pegipegi halodoc alodokter ruangguru zenius maxim indrive
  bca bri bni mandiri cimb danamon permata btn seabank bsi bjb ocbc uob maybank panin jenius blu
  pinjol akulaku kredivo indodana spaylater gopaylater adakami easycash julo
  netflix spotify disney vidio
  truecaller getcontact
  bpjs dukcapil pedulilindungi satusehat mypertamina pln
  rekening sosmed
`;

const SINGLE = new Set<string>();
/** Names of more than one word, and the brand each names ("aplikasi dana" → "dana"). */
const MULTI: { readonly words: readonly string[]; readonly name: string }[] = [];
for (const line of NAMES.trim().split('\n'))
  for (const raw of line.trim().split(/\s+/)) if (raw) SINGLE.add(raw.replace(/\./g, ''));
// Brands that are also common words alone ("dana" is funds, "jago" is good at): only with the word that names them.
for (const [phrase, name] of [
  ['jagoan hosting', 'jagoan hosting'],
  ['bank jago', 'bank jago'],
  ['allo bank', 'allo bank'],
  ['aplikasi dana', 'dana'],
  ['app dana', 'dana'],
  ['akun dana', 'dana'],
  ['saldo dana', 'dana'],
  ['tiket com', 'tiket.com'],
  ['booking com', 'booking.com'],
  ['mobile legends', 'mobile legends'],
  ['media sosial', 'media sosial'],
  ['social media', 'social media'],
  ['free fire', 'free fire'],
] as const)
  MULTI.push({ words: phrase.split(' '), name });

/** Words that make Wowrack the subject ("kalian", "your site"), after toWords (kalian → kamu). */
const WOWRACK_REFERENCE = new Set(['wowrack', 'kamu', 'you', 'your', 'yours']);
/** "apakah pakai google analytics": a tool Wowrack uses, not another company's policy. */
const USE_VERBS = new Set([
  'pakai',
  'dipakai',
  'memakai',
  'menggunakan',
  'digunakan',
  'gunakan',
  'use',
  'uses',
  'using',
  'used',
]);
/** "dibagikan ke google", "dijual ke tokopedia": Wowrack passing data to them, which the statement does answer. */
const TO_WORDS = new Set(['ke', 'kepada', 'to']);

/** Kinds of other services in the list that are no brand to name in the reply ("rekening" is a bank account). */
const NOT_BRANDS = new Set(['rekening', 'sosmed', 'media sosial', 'social media', 'pinjol']);

/** Generic words that name another company without a brand ("provider lain", "perusahaan lain", "aplikasi lain"). */
const OTHER_GENERIC = new Set(['provider', 'penyedia', 'aplikasi', 'app', 'marketplace', 'platform', 'hosting']);

/**
 * The other company, product or platform a question is about, or undefined when Wowrack is (or may be) its subject.
 * "apakah shopee menjual data?" → "shopee"; "apakah kalian membagikan data ke google?" → undefined (a Wowrack
 * question); "apakah pakai google analytics?" → undefined (a tool Wowrack uses).
 */
export function otherCompanyOf(words: readonly string[]): string | undefined {
  if (words.some((w) => WOWRACK_REFERENCE.has(w))) return undefined;
  for (let i = 0; i < words.length; i += 1) {
    const w = (words[i] ?? '').replace(/\./g, '');
    let name: string | undefined;
    const multi = MULTI.find((m) => m.words.every((part, k) => words[i + k] === part));
    if (multi) name = multi.name;
    else if (SINGLE.has(w)) name = w;
    // "Cloudflare's" is split as "cloudflares".
    else if (w.endsWith('s') && SINGLE.has(w.slice(0, -1))) name = w.slice(0, -1);
    if (!name) continue;
    const before = words.slice(Math.max(0, i - 3), i);
    if (before.some((b) => USE_VERBS.has(b) || TO_WORDS.has(b))) continue;
    return name;
  }
  // "provider lain", "perusahaan lain juga jual data?": another company named without a brand.
  for (let i = 0; i + 1 < words.length; i += 1)
    if (OTHER_GENERIC.has(words[i] ?? '') && (words[i + 1] === 'lain' || words[i + 1] === 'other')) return words[i];
  return undefined;
}

/** The brand to name for what otherCompanyOf() found ("shopee" → "Shopee"), or undefined when it is generic. */
export function brandName(name: string | undefined): string | undefined {
  if (name === undefined || OTHER_GENERIC.has(name) || NOT_BRANDS.has(name)) return undefined;
  return name.replace(/(^|\s)\p{L}/gu, (c) => c.toUpperCase());
}
