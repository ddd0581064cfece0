export { VectorIndex } from './vector-index';
export type { VectorIndexOptions, VectorHit, VectorSearchOptions, RelatedNote, VectorPlan, EmbedReport, VectorStats } from './vector-index';
export { passagesForEmbedding, passageKey, openingWords, MAX_EMBED_CHARS } from './passages';
export type { VectorPassage, PassageText } from './passages';
export { quantize, unit, dotInt8 } from './quantize';
export { encodeVectorFile, decodeVectorFile, FORMAT as VECTOR_FILE_FORMAT } from './vector-file';
export type { VectorFile, VectorFileHeader, NoteRecord } from './vector-file';
export { DEFAULT_EMBEDDING_SETTINGS, migrateEmbeddingSettings } from './embedding-settings';
export type { EmbeddingSettings } from './embedding-settings';
