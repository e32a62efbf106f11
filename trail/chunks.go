package trail

// chunked is an append-only sequence stored in fixed-size chunks. Appending
// never copies what is already stored, so recording stays cheap however long
// the history grows (a single slice would copy — and, during garbage
// collection, write-barrier — every element at each doubling), and expiry
// drops whole chunks from the front.
type chunked[T any] struct {
	chunks [][]T // every chunk but the last is full
	off    int   // elements dropped from chunks[0]
}

const chunkSize = 4096

func (c *chunked[T]) len() int {
	if len(c.chunks) == 0 {
		return 0
	}
	return (len(c.chunks)-1)*chunkSize + len(c.chunks[len(c.chunks)-1]) - c.off
}

func (c *chunked[T]) at(i int) T {
	i += c.off
	return c.chunks[i/chunkSize][i%chunkSize]
}

func (c *chunked[T]) push(v T) {
	n := len(c.chunks)
	if n == 0 || len(c.chunks[n-1]) == chunkSize {
		c.chunks = append(c.chunks, make([]T, 0, chunkSize))
		n++
	}
	c.chunks[n-1] = append(c.chunks[n-1], v)
}

// dropFront removes the first k elements.
func (c *chunked[T]) dropFront(k int) {
	if k <= 0 {
		return
	}
	if k >= c.len() {
		*c = chunked[T]{}
		return
	}
	c.off += k
	full := c.off / chunkSize
	if full > 0 {
		clear(c.chunks[:full])
		c.chunks = c.chunks[full:]
		c.off -= full * chunkSize
	}
	var zero T
	for i := range c.off {
		c.chunks[0][i] = zero // release references
	}
}

// slice returns the elements as one new slice.
func (c *chunked[T]) slice() []T {
	out := make([]T, 0, c.len())
	for i, ch := range c.chunks {
		if i == 0 {
			ch = ch[c.off:]
		}
		out = append(out, ch...)
	}
	return out
}

// reset replaces the contents with vs.
func (c *chunked[T]) reset(vs []T) {
	*c = chunked[T]{}
	for _, v := range vs {
		c.push(v)
	}
}
