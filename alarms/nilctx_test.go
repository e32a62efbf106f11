package alarms

import "context"

// nilCtx is a nil context.Context for the tests of the shared contract that a
// nil context behaves as context.Background() (a variable, so linters that
// flag a literal nil leave these deliberate calls alone).
var nilCtx context.Context
