export * from './types';
export * from './registry';
export { embeddedImages } from './note-reader';
export { IMAGE_EXTENSIONS, imageMime, imageMimeOfBytes, imageSize, imageSizeProblem, toBase64 } from './image-reader';
export { plainLine, plainOrUndefined } from './plain-text';
