package web

import "net/http"

// ogcAPI is the OpenAPI 3.0 definition of the /ogc endpoints (the oas30
// conformance class). GDAL reads the items limit maximum from it.
func (s *Server) ogcAPI(w http.ResponseWriter, r *http.Request) error {
	if err := ogcQuery(r); err != nil {
		return err
	}
	obj := func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	ref := func(name string) map[string]any { return obj("$ref", "#/components/parameters/"+name) }
	jsonResp := func(desc string) map[string]any {
		return obj("200", obj("description", desc, "content", obj("application/json", obj("schema", obj("type", "object")))),
			"default", obj("$ref", "#/components/responses/problem"))
	}
	geoResp := func(desc string) map[string]any {
		return obj("200", obj("description", desc, "content", obj(geoJSONType, obj("schema", obj("type", "object")))),
			"default", obj("$ref", "#/components/responses/problem"))
	}
	op := func(id, summary string, params []any, resp map[string]any) map[string]any {
		return obj("get", obj("operationId", id, "summary", summary, "parameters", params, "responses", resp))
	}
	doc := obj(
		"openapi", "3.0.3",
		"info", obj("title", "truce OGC API - Features", "version", "1.0.0",
			"description", "Places, the control map at a date and events of a truce ledger."),
		"servers", []any{obj("url", ogcBase(r))},
		"paths", obj(
			"/", op("getLandingPage", "Landing page", []any{}, jsonResp("links to the API definition, conformance and collections")),
			"/api", op("getAPI", "This document", []any{}, obj("200", obj("description", "OpenAPI 3.0",
				"content", obj(oas30Type, obj("schema", obj("type", "object")))))),
			"/conformance", op("getConformance", "Conformance classes", []any{}, jsonResp("conformsTo")),
			"/collections", op("getCollections", "Collections: places, control, events", []any{}, jsonResp("the collections")),
			"/collections/{collectionId}", op("describeCollection", "One collection", []any{ref("collectionId")}, jsonResp("the collection")),
			"/collections/{collectionId}/items", op("getFeatures", "Features of a collection",
				[]any{ref("collectionId"), ref("limit"), ref("offset"), ref("bbox"), ref("datetime"), ref("known_at")},
				geoResp("a GeoJSON FeatureCollection with numberMatched, numberReturned and next/prev links")),
			"/collections/{collectionId}/items/{featureId}", op("getFeature", "One feature",
				[]any{ref("collectionId"), ref("featureId"), ref("datetime"), ref("known_at")}, geoResp("a GeoJSON Feature")),
		),
		"components", obj(
			"parameters", obj(
				"collectionId", obj("name", "collectionId", "in", "path", "required", true,
					"description", "places, control, control-YYYY-MM-DD (the map on that day) or events",
					"schema", obj("type", "string", "pattern", `^(places|control|events|control-\d{4}-\d{2}-\d{2})$`)),
				"featureId", obj("name", "featureId", "in", "path", "required", true,
					"description", "the integer feature id, or a place id (places, control) or claim id (events)",
					"schema", obj("type", "string")),
				"limit", obj("name", "limit", "in", "query", "required", false, "style", "form", "explode", false,
					"description", "page size; larger values are cut to the maximum",
					"schema", obj("type", "integer", "minimum", 1, "maximum", ogcMaxLimit, "default", 10)),
				"offset", obj("name", "offset", "in", "query", "required", false,
					"description", "features to skip (the next and prev links carry it)",
					"schema", obj("type", "integer", "minimum", 0, "default", 0)),
				"bbox", obj("name", "bbox", "in", "query", "required", false, "style", "form", "explode", false,
					"description", "minLon,minLat,maxLon,maxLat in CRS84",
					"schema", obj("type", "array", "minItems", 4, "maxItems", 6, "items", obj("type", "number"))),
				"datetime", obj("name", "datetime", "in", "query", "required", false, "style", "form", "explode", false,
					"description", "an instant (control: the date of the map, default today) or an interval start/end with .. for an open end (events)",
					"schema", obj("type", "string")),
				"known_at", obj("name", "known_at", "in", "query", "required", false,
					"description", "as known at this recorded time (RFC 3339 or YYYY-MM-DD)",
					"schema", obj("type", "string")),
			),
			"responses", obj("problem", obj("description", "an RFC 9457 problem",
				"content", obj("application/problem+json", obj("schema", obj("type", "object"))))),
		),
	)
	w.Header().Set("Cache-Control", "public, max-age=300")
	return writeBody(w, r, oas30Type, doc)
}
