import type { CellValue } from '../../../src/query/engine.js';
export type { AthenaSettings, CompileContext } from '../../../src/query/index.js';
export type CellValueList = CellValue[];
