export { SynthGenerator, Grounder, DuplicateFilter } from './generator';
export type { SynthOptions, SynthRunOptions, PreviousPairs } from './generator';
export { buildDataset, readPrevious, readPairs, splitArticles, fineTuneLine, assistantText, DATASET_FILES, MANIFEST_FORMAT } from './dataset';
export type { Dataset, DatasetManifest, DatasetOptions, ExportedPair, Split } from './dataset';
export { SUPPORT_THRESHOLD, DUPLICATE_THRESHOLD, supportScore, isRefusal, shingles, jaccard, contentStems } from './grounding';
export { DATASET_SYSTEM_PROMPT } from './prompts';
export * from './types';
export { FineTuneClient } from './fine-tune';
export type { FineTuneEndpoint, SubmittedJob, JobStatus } from './fine-tune';
