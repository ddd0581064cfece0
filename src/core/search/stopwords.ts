/**
 * English stop words: words so common that they say nothing about what a note is about. Dropped
 * from the index and from queries (BM25 would give them almost no weight anyway, but they cost
 * memory and make AND queries fail for no reason). A short list on purpose: "not", "no",
 * "should" and similar carry meaning in claims and questions.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be been but by for from had has have he her his i if in into is it its ' +
    'me my of on or our she so than that the their them then there these they this those to ' +
    'too us was we were what when where which while who whom why will with you your'
  ).split(' '),
);
