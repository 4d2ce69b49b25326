import type { Span } from '../../file/ast.js';
import type { SourceLocation } from '../../../types.js';

/** Turns a fact's file and span into a reported location (the engine owns paths). */
export type Locate = (file: string, span: Span, label?: string) => SourceLocation;
