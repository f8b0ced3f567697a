#include "allocator.h"

#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

#include <atomic>

namespace Roomshare {

void tuneAllocatorForChunks()
{
    static std::atomic<bool> done{ false };
    if (done.exchange(true))
        return;
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
    // Buffers below 4 MiB come from the heap (a few windows' worth of chunks), and up to
    // 64 MiB of free heap stays mapped instead of being handed back after every burst.
    mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
#endif
}

} // namespace Roomshare
