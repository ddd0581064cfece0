export * from './frontmatter';
export * from './wikilinks';
export * from './sections';
export * from './paths';
export * from './hash';
export * from './slug';
export * from './link-resolver';
