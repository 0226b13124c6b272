/** Every filter a template may name, in one null-prototype table. */
import { COLLECTION_FILTERS } from './filters-collections.js';
import { DATE_FILTERS } from './filters-dates.js';
import { ENCODING_FILTERS } from './filters-encoding.js';
import { JQ_FILTERS } from './filters-jq.js';
import { STRING_FILTERS } from './filters-strings.js';
import { table, type FilterDef } from './registry.js';

export const FILTERS = table<FilterDef>({
  ...STRING_FILTERS,
  ...ENCODING_FILTERS,
  ...COLLECTION_FILTERS,
  ...DATE_FILTERS,
  ...JQ_FILTERS,
});
