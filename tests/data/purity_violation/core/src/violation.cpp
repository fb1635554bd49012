// A deliberate violation: the purity check must reject this tree.
#include <sqlite3.h>

long now() { return std::chrono::system_clock::now().time_since_epoch().count(); }
