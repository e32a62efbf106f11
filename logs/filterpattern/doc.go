// Package filterpattern compiles and evaluates CloudWatch Logs filter patterns:
// the one language that FilterLogEvents, metric filters and subscription filters
// use to select log events.
//
// A pattern is compiled once with [Compile] and then matched against many
// messages with [Pattern.Match]; compilation rejects anything AWS would reject
// with an InvalidParameterException naming the problem, so a pattern that does not
// parse never silently matches everything (or nothing).
//
// The language has three forms, chosen by the pattern's first character:
//
//   - Unstructured terms: `ERROR`, `ERROR Exception` (both, any order),
//     `"Failed login"` (an exact phrase), `?ERROR ?WARN` (either), `ERROR -Exiting`
//     (exclusion). Terms are case sensitive and match anywhere in the message
//     (`ERROR` matches "ERRORCODE"). Bare terms may contain only letters, digits and
//     underscore; anything else must be quoted. `?` marks a term of which any may
//     hold; but when `?` terms are combined with plain terms or exclusions, the
//     `?` terms are ignored, as the current guide says ("If you combine "?" with
//     other filter patterns, all question mark terms will be ignored":
//     `?ERROR ?ARGUMENTS REQUEST` matches every event containing REQUEST). The
//     empty pattern and `" "` match every event. A regular expression `%...%` may
//     stand in for a term.
//   - JSON: `{ $.status = 500 && $.latency > 1000 }` with selectors `$.a.b`,
//     `$.a[0]`, bracket notation for keys with dots (`$.['cluster.name']`, as
//     Kubernetes and OpenTelemetry logs need), and the wildcards `$.arrayKey[*]`
//     (any element) and `$.*` (any member): a comparison on a wildcard holds
//     when it holds for any value selected (NOT EXISTS when none is), string operators = and != (values quoted or not, `*` wildcards at the
//     start and/or end), numeric operators = != < > <= >=, `IS NULL`, `NOT EXISTS`,
//     `IS TRUE`, `IS FALSE`, `%regex%` values, && || and parentheses (&& binds
//     tighter). The message must be one valid JSON object (RFC 8259; nesting up
//     to 512 levels): anything else, including a message that only starts like
//     one, matches no JSON pattern. A comparison whose selector is absent, or
//     points at an object, array, boolean or null, is false (for != too). When a
//     key appears twice the last value wins, as in most JSON decoders.
//   - Space-delimited: `[ip, user, ..., status_code = 4*, bytes > 1000]`. The
//     message is split on spaces; text inside "double quotes" or [square brackets]
//     is one field (without its delimiters). `...` stands for any number of fields;
//     without it the field count must be equal. `[]` names no field: it matches
//     every event and extracts $1 ... $n (the API Reference's TestMetricFilter
//     example; AWS stores subscription filters with it). Conditions use the same operators
//     and values as JSON and may be joined with && and ||.
//
// Regular expressions follow AWS's restricted syntax: letters, digits, the symbols
// _ # = @ / ; , - : and the operators ^ $ ? [ ] { } | \ * + . only (no parentheses,
// no multi-byte characters), at most two per pattern. The space is allowed too:
// the "Supported operators" list does not name it, but the guide's own example
// `%^starting|^initializing|^shutting down%` uses it, and a document example is
// the stronger evidence of what AWS accepts. They are searched for (unanchored
// unless ^ or $ is used), with RE2's semantics. Because the subset has no
// parentheses, an expression is an alternation of quantified single-character
// atoms, which a bit-parallel Shift-And automaton runs in a few word operations
// per character however large the repetition (`%a{1,1000}b%` over a 1 MB event
// is milliseconds, not the 23 s of an RE2 NFA of 2,000 instructions); the rare
// shapes it cannot run (, an anchor inside a sequence) use RE2. localwatch
// bounds an expression at 4,096 atom copies after expanding {m,n} (and an RE2
// fallback at 200 instructions); AWS documents no such number.
//
// Patterns with wildcard selectors are evaluated on the message decoded by
// encoding/json once the scanner has validated it, which is several times
// slower than the scanner; patterns without wildcards never take that path.
//
// Data layout: a compiled pattern is an immutable tree; JSON patterns also carry a
// trie of the selectors they use, so evaluating one walks the message once, skips
// every subtree no selector needs (validating it all the same), and allocates
// nothing. A message of up to 1 KiB with no backslash and no control character
// is first indexed (a bit per double quote, 64 bytes at a time with SSE2 on
// amd64, 8 at a time in portable Go elsewhere), so that each string ends at the
// next quote. For patterns whose selectors are all top-level keys (the common
// `{ $.status = 500 && $.latency > 1000 }`), once every selected key has been
// met and the expression is false, the matcher stops unless a later string in
// the message could be a duplicate of a selected key: the answer is then "no
// match" whether the rest is valid JSON or not, so the rest is not validated.
// Other messages are scanned byte by byte, eight bytes at a time within
// strings.
//
// Where AWS's own documents disagree, this package follows the service's user
// guide over client libraries: the AWS CDK renders FilterPattern.anyTermGroup
// as `?"ERROR" "MainThread" ?"WARN" "Deadlock"` and reads it as (ERROR and
// MainThread) or (WARN and Deadlock), but its tests only pin the string it
// renders, while the guide states what the service does with such a pattern,
// with an example; so `?` terms beside plain terms are ignored here (that CDK
// pattern matches events containing both MainThread and Deadlock).
//
// Deliberate differences from AWS, where AWS's documentation is silent or
// self-contradictory: in a space-delimited pattern every comparison inside one
// element applies to that element's field (AWS's guide shows
// `status_code = 4* && bytes > 1000` as a single element); and runs of spaces
// separate fields like a single space.
package filterpattern
