// The one translation unit that compiles Asio, Asio's TLS layer and Beast for the whole project.
// Every other file includes their headers with *_SEPARATE_COMPILATION defined and links this object.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
