import type { CellValue } from '../../../src/model/query.js';
export type { AthenaSettings, CompileContext } from '../../../src/query/index.js';
export type CellValueList = CellValue[];
