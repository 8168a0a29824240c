// Element-wise binary operator helpers shared by binary.cc (scalar operands)
// and vector_binop.cc (vector matching).
#pragma once

#include <cmath>

#include "promql/ast.h"

namespace cairn::promql::eval {

// Arithmetic operators drop __name__ from their results.
inline bool IsArithmetic(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: case BinaryOp::kSub: case BinaryOp::kMul: case BinaryOp::kDiv:
    case BinaryOp::kMod: case BinaryOp::kPow: case BinaryOp::kAtan2:
      return true;
    default:
      return false;
  }
}

// The result of `l op r`. For comparisons the value is `l` and `keep` says
// whether the comparison held; for arithmetic `keep` is true.
inline double ElemBinop(BinaryOp op, double l, double r, bool& keep) {
  keep = true;
  switch (op) {
    case BinaryOp::kAdd: return l + r;
    case BinaryOp::kSub: return l - r;
    case BinaryOp::kMul: return l * r;
    case BinaryOp::kDiv: return l / r;
    case BinaryOp::kPow: return std::pow(l, r);
    case BinaryOp::kMod: return std::fmod(l, r);
    case BinaryOp::kAtan2: return std::atan2(l, r);
    case BinaryOp::kEql: keep = l == r; return l;
    case BinaryOp::kNeq: keep = l != r; return l;
    case BinaryOp::kGtr: keep = l > r; return l;
    case BinaryOp::kLss: keep = l < r; return l;
    case BinaryOp::kGte: keep = l >= r; return l;
    case BinaryOp::kLte: keep = l <= r; return l;
    default: keep = false; return 0;
  }
}

}  // namespace cairn::promql::eval
