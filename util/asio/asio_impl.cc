// The one translation unit that compiles Boost.Asio (with its TLS support) and
// Boost.Beast, which every other file includes in their separate-compilation
// mode (BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION,
// set for the whole build in the top-level CMakeLists.txt). Link cairn_asio
// wherever Asio or Beast is used.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
