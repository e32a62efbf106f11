#include "textflag.h"

// func quoteIndexSSE2(b []byte, qm *[16]uint64) (bad bool)
//
// For 16 <= len(b) <= indexMax (1024): sets bit j%64 of qm[j/64] (qm must be zero) for
// each double quote b[j], sixteen bytes at a time, and reports whether b has
// a backslash or a byte below 0x20. SSE2 is part of every amd64 CPU.
TEXT ·quoteIndexSSE2(SB), NOSPLIT, $0-33
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), BX
	MOVQ qm+24(FP), DI
	MOVQ $0x2222222222222222, AX
	MOVQ AX, X1
	PUNPCKLQDQ X1, X1
	MOVQ $0x5c5c5c5c5c5c5c5c, AX
	MOVQ AX, X2
	PUNPCKLQDQ X2, X2
	MOVQ $0x1f1f1f1f1f1f1f1f, AX
	MOVQ AX, X3
	PUNPCKLQDQ X3, X3
	PXOR X7, X7
	XORQ R8, R8

	// Sixty-four bytes at a time: one word of the index, stored whole.
loop64:
	LEAQ 64(R8), R9
	CMPQ R9, BX
	JA   loop
	MOVOU (SI)(R8*1), X0
	MOVOU X0, X4
	PCMPEQB X1, X4
	PMOVMSKB X4, AX
	MOVOU X0, X5
	PCMPEQB X2, X5
	PMAXUB X3, X0
	PCMPEQB X3, X0
	POR X5, X0
	POR X0, X7
	MOVOU 16(SI)(R8*1), X0
	MOVOU X0, X4
	PCMPEQB X1, X4
	PMOVMSKB X4, CX
	MOVOU X0, X5
	PCMPEQB X2, X5
	PMAXUB X3, X0
	PCMPEQB X3, X0
	POR X5, X0
	POR X0, X7
	MOVOU 32(SI)(R8*1), X0
	MOVOU X0, X4
	PCMPEQB X1, X4
	PMOVMSKB X4, DX
	MOVOU X0, X5
	PCMPEQB X2, X5
	PMAXUB X3, X0
	PCMPEQB X3, X0
	POR X5, X0
	POR X0, X7
	MOVOU 48(SI)(R8*1), X0
	MOVOU X0, X4
	PCMPEQB X1, X4
	PMOVMSKB X4, R11
	MOVOU X0, X5
	PCMPEQB X2, X5
	PMAXUB X3, X0
	PCMPEQB X3, X0
	POR X5, X0
	POR X0, X7
	SHLQ $16, CX
	ORQ  CX, AX
	SHLQ $32, DX
	ORQ  DX, AX
	SHLQ $48, R11
	ORQ  R11, AX
	MOVQ R8, R10
	SHRQ $6, R10
	MOVQ AX, (DI)(R10*8)
	MOVQ R9, R8
	JMP  loop64

	// Then sixteen at a time.
loop:
	LEAQ 16(R8), R9
	CMPQ R9, BX
	JA   tail
	MOVOU (SI)(R8*1), X0
	MOVOU X0, X4
	PCMPEQB X1, X4
	PMOVMSKB X4, AX
	MOVOU X0, X5
	PCMPEQB X2, X5
	MOVOU X0, X6
	PMAXUB X3, X6
	PCMPEQB X3, X6
	POR X5, X6
	POR X6, X7
	MOVQ R8, R10
	SHRQ $6, R10
	MOVQ R8, CX
	ANDQ $63, CX
	SHLQ CX, AX
	ORQ  AX, (DI)(R10*8)
	MOVQ R9, R8
	JMP  loop

tail:
	CMPQ R8, BX
	JEQ  done
	// The last sixteen bytes; those before R8 were done already.
	MOVOU -16(SI)(BX*1), X0
	MOVOU X0, X4
	PCMPEQB X1, X4
	PMOVMSKB X4, AX
	MOVOU X0, X5
	PCMPEQB X2, X5
	MOVOU X0, X6
	PMAXUB X3, X6
	PCMPEQB X3, X6
	POR X5, X6
	POR X6, X7
	MOVQ R8, CX
	SUBQ BX, CX
	ADDQ $16, CX
	SHRQ CX, AX
	MOVQ R8, R10
	SHRQ $6, R10
	MOVQ R8, CX
	ANDQ $63, CX
	SHLQ CX, AX
	ORQ  AX, (DI)(R10*8)

done:
	PMOVMSKB X7, AX
	TESTL AX, AX
	SETNE bad+32(FP)
	RET
