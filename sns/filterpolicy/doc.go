// Package filterpolicy compiles and matches Amazon SNS subscription filter
// policies, the JSON documents that decide which messages a subscription
// receives. The language is nearly EventBridge's event-pattern language, so the
// compiled matcher is reusable beyond SNS.
//
// A policy is compiled once with [Compile], which validates it exactly as SNS
// does (at most 5 top-level keys, at most 150 combinations, AWS's error
// reasons) and returns an immutable [*Policy]. A message is flattened once with
// [FromAttributes] (the MessageAttributes scope) or [FromJSON] (the MessageBody
// scope) into dotted key paths and their leaf values; [Policy.Matches] then
// answers in a few map look-ups.
//
// Semantics: every policy key must match (AND); within a key any listed value
// may match (OR); "$or" (an array of at least two objects that are not match
// expressions) ORs whole sub-policies. Values: exact strings (case-sensitive),
// numbers (compared by value, so 3.015e2 equals 301.5), true, false, null, and
// the operators prefix, suffix, equals-ignore-case, wildcard, anything-but (a
// value, a list, or {prefix|suffix|wildcard|equals-ignore-case}), numeric
// (=, <, <=, >, >= and ranges), exists and cidr (IPv4 and IPv6). Arrays in the
// message match per element.
//
// Deliberate choices where AWS's documents disagree:
//   - anything-but over an array matches when at least one element is not
//     excluded (the documented example, not the contradicting prose);
//   - anything-but accepts suffix, wildcard and equals-ignore-case as well as
//     prefix (the current documentation), though older SNS rejected suffix;
//   - numeric operators match Number attributes and JSON numbers only; exact
//     string values never match numbers and vice versa;
//   - validation errors end with Jackson's location as AWS's do ("\n at
//     [Source: (String)"<policy>"; line: 1, column: N]", the policy quoted as
//     Jackson re-serialises it, compactly, and N just after the last token
//     AWS's streaming reader read); syntax errors carry Jackson's wording with
//     the source redacted, as AWS answers since 2026. Both are pinned by
//     tests against recorded AWS answers; Jackson messages for rarer syntax
//     errors (bad escapes, numbers) are our reading of Jackson.
package filterpolicy
