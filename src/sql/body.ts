// The SQL that builds a response body inside PostgreSQL from the rows of `pgrst_source` (aliased `_postgrest_t`):
// JSON array, single object, nulls-stripped variants, CSV and GeoJSON. No I/O.
import type { MediaType } from '../request/media-type.js';
import { type Fragment, keyword } from './fragment.js';

const JSON_ARRAY = keyword("coalesce(json_agg(_postgrest_t), '[]')::text");
const OBJECT = keyword("coalesce((json_agg(_postgrest_t)->0)::text, 'null')");
const OBJECT_STRIPPED = keyword("coalesce(json_strip_nulls(json_agg(_postgrest_t)->0)::text, 'null')");
// Stripping the aggregate (not each row) also drops json_agg's ", \n " separators, byte for byte as PostgREST sends it.
const ARRAY_STRIPPED = keyword("coalesce(json_strip_nulls(json_agg(_postgrest_t)), '[]')::text");
// CSV as PostgreSQL prints records: a header of the column names, then each row's text form without its parentheses.
const CSV = keyword(
  "(SELECT coalesce(string_agg(_k, ','), '') FROM (SELECT json_object_keys(to_json(_h)) AS _k FROM (SELECT * FROM pgrst_source LIMIT 1) _h) _ks)" +
    " || chr(10) || coalesce(string_agg(substring(_postgrest_t::text, 2, length(_postgrest_t::text) - 2), chr(10)), '')",
);

// GeoJSON through PostGIS; without PostGIS it fails as in PostgREST (42883 on st_asgeojson).
const GEO_JSON = keyword(
  "json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(ST_AsGeoJSON(_postgrest_t)::json), '[]'))::text",
);

/** The body expression for a negotiated media type. */
export function bodyExpr(media: MediaType): Fragment {
  switch (media.kind) {
    case 'csv':
      return CSV;
    case 'object':
      return media.nullsStripped ? OBJECT_STRIPPED : OBJECT;
    case 'array-stripped':
      return ARRAY_STRIPPED;
    case 'geo-json':
      return GEO_JSON;
    default:
      return JSON_ARRAY;
  }
}
