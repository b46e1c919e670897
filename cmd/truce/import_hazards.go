package main

import (
	"context"

	"truce/readiness"
)

func init() {
	register(&command{name: "import-hazards", args: "FILE [--published DATE] [--asserted-by ACTOR] [--status accepted|candidate]",
		summary: "import hazardous areas or land releases from GeoJSON (IMSMA-style properties)", run: func(ctx context.Context, e *env, args []string) error {
			return runReadinessImport(ctx, e, args, "import-hazards", readiness.Hazards)
		}})
}
