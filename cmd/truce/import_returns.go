package main

import (
	"context"

	"truce/readiness"
)

func init() {
	register(&command{name: "import-returns", args: "FILE [--published DATE] [--asserted-by ACTOR] [--status accepted|candidate]",
		summary: "import displaced and returned counts from an HXL-tagged CSV (IOM DTM style)", run: func(ctx context.Context, e *env, args []string) error {
			return runReadinessImport(ctx, e, args, "import-returns", readiness.Returns)
		}})
}
