// Type declarations for two stemming packages that ship none usable under NodeNext resolution.
declare module 'sastrawijs' {
  export class Stemmer {
    stem(word: string): string;
  }
}
declare module '@nlpjs/lang-id' {
  class StemmerId {
    stemWord(word: string): string;
  }
  const lang: { StemmerId: typeof StemmerId };
  export default lang;
}
