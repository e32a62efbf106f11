package console

func (q *request) trail(rest []string) error      { return notFound("not yet") }
func (q *request) config(rest []string) error     { return notFound("not yet") }
func (q *request) sns(rest []string) error        { return notFound("not yet") }
func (q *request) dashboards(rest []string) error { return notFound("not yet") }
