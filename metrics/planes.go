package metrics

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"unsafe"
)

// Byte planes (ckEnc.f64s): plane k of a run of float64s holds byte k (from
// the least significant) of every value's IEEE 754 bits, in order. Both
// directions work on groups of eight values as an 8×8 byte matrix (value i
// in row i, byte k in column k), transposed in three rounds of 64-bit
// masks and shifts, so that a group costs a few dozen instructions rather
// than 64 byte moves; the values past the last whole group are moved one
// byte at a time.

// transpose8 transposes the 8×8 byte matrix whose row i is ri (column k is
// byte k, from the least significant) and returns its rows. It is its own
// inverse.
func transpose8(r0, r1, r2, r3, r4, r5, r6, r7 uint64) (uint64, uint64, uint64, uint64, uint64, uint64, uint64, uint64) {
	const (
		lo32 = 0x00000000FFFFFFFF
		hi32 = 0xFFFFFFFF00000000
		lo16 = 0x0000FFFF0000FFFF
		hi16 = 0xFFFF0000FFFF0000
		lo8  = 0x00FF00FF00FF00FF
		hi8  = 0xFF00FF00FF00FF00
	)
	// 4×4 blocks.
	r0, r4 = r0&lo32|r4<<32, r0>>32|r4&hi32
	r1, r5 = r1&lo32|r5<<32, r1>>32|r5&hi32
	r2, r6 = r2&lo32|r6<<32, r2>>32|r6&hi32
	r3, r7 = r3&lo32|r7<<32, r3>>32|r7&hi32
	// 2×2 blocks.
	r0, r2 = r0&lo16|(r2&lo16)<<16, (r0>>16)&lo16|r2&hi16
	r1, r3 = r1&lo16|(r3&lo16)<<16, (r1>>16)&lo16|r3&hi16
	r4, r6 = r4&lo16|(r6&lo16)<<16, (r4>>16)&lo16|r6&hi16
	r5, r7 = r5&lo16|(r7&lo16)<<16, (r5>>16)&lo16|r7&hi16
	// Bytes.
	r0, r1 = r0&lo8|(r1&lo8)<<8, (r0>>8)&lo8|r1&hi8
	r2, r3 = r2&lo8|(r3&lo8)<<8, (r2>>8)&lo8|r3&hi8
	r4, r5 = r4&lo8|(r5&lo8)<<8, (r4>>8)&lo8|r5&hi8
	r6, r7 = r6&lo8|(r7&lo8)<<8, (r6>>8)&lo8|r7&hi8
	return r0, r1, r2, r3, r4, r5, r6, r7
}

// planeOffsets returns where each plane of a run of n values starts among
// the planes mask keeps (lowest first), -1 for a plane left out.
func planeOffsets(mask byte, n int) (off [8]int) {
	j := 0
	for k := range 8 {
		off[k] = -1
		if mask&(1<<k) != 0 {
			off[k] = j * n
			j++
		}
	}
	return off
}

// float64Bits views vs as their bits (float64 and uint64 share size and
// alignment).
func float64Bits(vs []float64) []uint64 {
	return unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(vs))), len(vs))
}

// appendPlanes appends to dst the planes of vs that mask keeps, lowest
// first.
func appendPlanes(dst []byte, vs []float64, mask byte) []byte {
	n := len(vs)
	start := len(dst)
	dst = slices.Grow(dst, bits.OnesCount8(mask)*n)
	dst = dst[:start+bits.OnesCount8(mask)*n]
	out := dst[start:]
	off := planeOffsets(mask, n)
	us := float64Bits(vs)
	i := 0
	if mask == 0xff {
		// Every plane: no plane to skip.
		p0, p1, p2, p3 := out[:n], out[n:2*n], out[2*n:3*n], out[3*n:4*n]
		p4, p5, p6, p7 := out[4*n:5*n], out[5*n:6*n], out[6*n:7*n], out[7*n:8*n]
		for ; i+8 <= n; i += 8 {
			g := us[i : i+8 : i+8]
			c0, c1, c2, c3, c4, c5, c6, c7 := transpose8(g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7])
			binary.LittleEndian.PutUint64(p0[i:], c0)
			binary.LittleEndian.PutUint64(p1[i:], c1)
			binary.LittleEndian.PutUint64(p2[i:], c2)
			binary.LittleEndian.PutUint64(p3[i:], c3)
			binary.LittleEndian.PutUint64(p4[i:], c4)
			binary.LittleEndian.PutUint64(p5[i:], c5)
			binary.LittleEndian.PutUint64(p6[i:], c6)
			binary.LittleEndian.PutUint64(p7[i:], c7)
		}
	}
	for ; i+8 <= n; i += 8 {
		g := us[i : i+8 : i+8]
		var c [8]uint64
		c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7] = transpose8(g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7])
		for k, o := range off {
			if o >= 0 {
				binary.LittleEndian.PutUint64(out[o+i:], c[k])
			}
		}
	}
	for ; i < n; i++ {
		for k, o := range off {
			if o >= 0 {
				out[o+i] = byte(us[i] >> (8 * k))
			}
		}
	}
	return dst
}

// readPlanes sets vs from src, the planes of len(vs) values that mask
// keeps (as appendPlanes wrote them); the planes left out are zero.
func readPlanes(vs []float64, src []byte, mask byte) {
	n := len(vs)
	off := planeOffsets(mask, n)
	us := float64Bits(vs)
	i := 0
	if mask == 0xff {
		p0, p1, p2, p3 := src[:n], src[n:2*n], src[2*n:3*n], src[3*n:4*n]
		p4, p5, p6, p7 := src[4*n:5*n], src[5*n:6*n], src[6*n:7*n], src[7*n:8*n]
		for ; i+8 <= n; i += 8 {
			g := us[i : i+8 : i+8]
			g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7] = transpose8(
				binary.LittleEndian.Uint64(p0[i:]), binary.LittleEndian.Uint64(p1[i:]),
				binary.LittleEndian.Uint64(p2[i:]), binary.LittleEndian.Uint64(p3[i:]),
				binary.LittleEndian.Uint64(p4[i:]), binary.LittleEndian.Uint64(p5[i:]),
				binary.LittleEndian.Uint64(p6[i:]), binary.LittleEndian.Uint64(p7[i:]))
		}
	}
	for ; i+8 <= n; i += 8 {
		var r [8]uint64
		for k, o := range off {
			if o >= 0 {
				r[k] = binary.LittleEndian.Uint64(src[o+i:])
			}
		}
		g := us[i : i+8 : i+8]
		g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7] = transpose8(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7])
	}
	for ; i < n; i++ {
		var u uint64
		for k, o := range off {
			if o >= 0 {
				u |= uint64(src[o+i]) << (8 * k)
			}
		}
		us[i] = u
	}
}
