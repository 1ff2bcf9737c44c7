// Moved: the byte convention is shared by the engine, fmt and the functions.
export * from '../../utf8.js';
