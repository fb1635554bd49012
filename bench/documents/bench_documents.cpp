// Documents throughput: the CII XML alone, and the full Factur-X PDF (the CII XML written, then the invoice
// rendered straight as PDF/A-3 with it embedded, as the daemon does) for a 1-page invoice (10 lines) and a
// 5-page invoice (120 lines), on one core; for reference the plain rendering and the separate PDF/A-3 step
// (make_pdfa3, for PDFs from elsewhere) alone; then the 1-page
// PDF with several workers at once, as threads (one renderer per thread) and as worker processes (fork
// before any renderer exists, one renderer per process).
//
//   bench_documents [--seconds S] [--workers W] [--no-logo]
//
// Per-core figures use the CPU time of the measuring thread (what a document costs on one core even when
// other programs share the machine). Worker figures use wall time from the moment every worker is ready
// (fonts loaded) until the last one is done. Last line:
//   RESULT cii_per_s=A pdf1_per_s=B pdf4_per_s=C peak_rss_mb=M
// with the peak RSS of this process and of its worker processes (the larger).
#include "fakturad/documents/einvoice.hpp"
#include "fakturad/documents/pdf_archive.hpp"
#include "fakturad/documents/pdf_renderer.hpp"
#include "pdf_test_invoices.hpp"

#include <malloc.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <latch>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace fakturad;

double thread_cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

double wall_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

long peak_rss_kb(int who) {
    rusage usage{};
    getrusage(who, &usage);
    return usage.ru_maxrss;  // kilobytes on Linux
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "bench_documents: cannot read %s\n", p.c_str());
        std::exit(2);
    }
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

struct setup {
    documents::pdf_template tpl;
    documents::pdf_assets assets;
    std::string icc;
};

setup load_setup() {
    const fs::path dir = fs::path(FAKTURAD_SOURCE_DIR) / "config/examples/templates/musterfirma";
    auto parsed = documents::parse_pdf_template(read_file(dir / "template.yaml"), "template.yaml");
    if (!parsed.ok()) {
        std::fprintf(stderr, "%s\n", parsed.errors.front().to_string().c_str());
        std::exit(2);
    }
    auto resolve = [&](const std::string& f) { return fs::path(f).is_absolute() ? fs::path(f) : dir / f; };
    setup s{*parsed.value, {}, read_file("/usr/share/color/icc/sRGB.icc")};
    s.assets.logo = read_file(resolve(s.tpl.logo_file));
    s.assets.font_regular_path = resolve(s.tpl.font_regular_file).string();
    s.assets.font_bold_path = resolve(s.tpl.font_bold_file).string();
    return s;
}

std::string cii(const billing::invoice& doc) {
    documents::xml_result r = documents::write_cii(doc, documents::cii_profile::en16931);
    if (!r.ok()) {
        std::fprintf(stderr, "bench_documents: CII writer: %s\n", r.problems.front().c_str());
        std::exit(2);
    }
    return std::move(r.xml);
}

// One Factur-X file: the XML of the invoice, then the invoice rendered as PDF/A-3 with it.
std::size_t facturx(
    documents::invoice_pdf_renderer& renderer, const billing::invoice& doc, const std::string& icc
) {
    documents::pdfa_metadata meta;
    meta.title = "Rechnung " + doc.number;
    meta.author = doc.seller.name;
    meta.created = std::chrono::sys_days(*doc.issue_date);
    return renderer.render_pdfa3(doc, icc, meta, documents::facturx_attachment{cii(doc), {}}).bytes.size();
}

struct rate {
    double per_s = 0;
    double ms = 0;
    long count = 0;
};

// Runs fn for at least `seconds` of thread CPU time (after a warm-up) and returns documents per CPU second.
rate measure(double seconds, const std::function<void()>& fn) {
    for (int i = 0; i < 5; ++i) {
        fn();
    }
    const double start = thread_cpu_seconds();
    long n = 0;
    double used = 0;
    do {
        for (int i = 0; i < 10; ++i) {
            fn();
        }
        n += 10;
        used = thread_cpu_seconds() - start;
    } while (used < seconds);
    return {static_cast<double>(n) / used, used * 1000 / static_cast<double>(n), n};
}

// Each worker renders `per_worker` 1-page Factur-X files after all are ready; returns documents per second.
double threads_run(const setup& s, const billing::invoice& doc, int workers, int per_worker) {
    std::latch ready(workers + 1);
    std::latch go(1);
    std::vector<std::thread> pool;
    for (int w = 0; w < workers; ++w) {
        pool.emplace_back([&] {
            documents::invoice_pdf_renderer renderer(s.tpl, s.assets);
            (void)facturx(renderer, doc, s.icc);
            ready.count_down();
            go.wait();
            for (int i = 0; i < per_worker; ++i) {
                (void)facturx(renderer, doc, s.icc);
            }
        });
    }
    ready.arrive_and_wait();
    const double start = wall_seconds();
    go.count_down();
    for (auto& t : pool) {
        t.join();
    }
    return workers * per_worker / (wall_seconds() - start);
}

double processes_run(const setup& s, const billing::invoice& doc, int workers, int per_worker) {
    // ready: each child writes one byte when its renderer is prepared; go: the parent closes it to start.
    int ready[2];
    int go[2];
    if (pipe(ready) != 0 || pipe(go) != 0) {
        std::perror("pipe");
        std::exit(2);
    }
    std::vector<pid_t> children;
    for (int w = 0; w < workers; ++w) {
        const pid_t pid = fork();
        if (pid == 0) {
            close(ready[0]);
            close(go[1]);
            documents::invoice_pdf_renderer renderer(s.tpl, s.assets);
            (void)facturx(renderer, doc, s.icc);
            const char byte = 1;
            (void)!write(ready[1], &byte, 1);
            char dummy = 0;
            (void)!read(go[0], &dummy, 1);  // returns 0 when the parent closes the pipe
            for (int i = 0; i < per_worker; ++i) {
                (void)facturx(renderer, doc, s.icc);
            }
            _exit(0);
        }
        children.push_back(pid);
    }
    close(ready[1]);
    close(go[0]);
    for (int w = 0; w < workers; ++w) {
        char byte = 0;
        (void)!read(ready[0], &byte, 1);
    }
    const double start = wall_seconds();
    close(go[1]);
    for (pid_t pid : children) {
        int status = 0;
        waitpid(pid, &status, 0);
    }
    const double elapsed = wall_seconds() - start;
    close(ready[0]);
    return workers * per_worker / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = 2.0;
    int workers = 2;
    bool logo = true;
    for (int i = 1; i < argc; i += 2) {
        const std::string arg = argv[i];
        if (arg == "--no-logo") {
            logo = false;
            --i;

        } else if (i + 1 >= argc) {
            std::fprintf(stderr, "usage: bench_documents [--seconds S] [--workers W] [--no-logo]\n");
            return 2;
        } else if (arg == "--seconds") {
            seconds = std::atof(argv[i + 1]);
        } else if (arg == "--workers") {
            workers = std::atoi(argv[i + 1]);
        } else {
            std::fprintf(stderr, "usage: bench_documents [--seconds S] [--workers W] [--no-logo]\n");
            return 2;
        }
    }
    // glibc's malloc settings stay the defaults the daemon has: with zlib streams reused per thread, raising
    // M_MMAP_THRESHOLD / M_TRIM_THRESHOLD no longer changes the figures (it did while cairo rendered).
    // Measured before any renderer exists in this process, so that the forked workers start clean.
    setup s = load_setup();
    if (!logo) {
        s.assets.logo.clear();
    }
    const billing::invoice one_page = documents::test::german_invoice(10);
    const billing::invoice four_pages = documents::test::german_invoice(120);

    const int per_worker = 400;
    const double proc = processes_run(s, one_page, workers, per_worker);
    const double proc_single = processes_run(s, one_page, 1, per_worker);
    const double thr = threads_run(s, one_page, workers, per_worker);
    const double thr_single = threads_run(s, one_page, 1, per_worker);

    documents::invoice_pdf_renderer renderer(s.tpl, s.assets);
    const rate cii_rate = measure(seconds, [&] { (void)cii(one_page); });
    std::printf(
        "CII XML, 10 lines:           %8.0f /s per core (%.3f ms, %ld docs, %zu bytes)\n",
        cii_rate.per_s,
        cii_rate.ms,
        cii_rate.count,
        cii(one_page).size()
    );
    const rate render1 = measure(seconds, [&] { (void)renderer.render(one_page); });
    std::printf("render only, 1 page:         %8.1f /s per core (%.3f ms)\n", render1.per_s, render1.ms);
    {
        const std::string rendered = renderer.render(one_page).bytes;
        const std::string xml = cii(one_page);
        documents::pdfa_metadata meta;
        meta.title = "Rechnung " + one_page.number;
        meta.created = std::chrono::sys_days(*one_page.issue_date);
        const rate step = measure(seconds, [&] {
            (void)documents::make_pdfa3(rendered, s.icc, meta, documents::facturx_attachment{xml, {}});
        });
        std::printf(
            "separate PDF/A-3 step, 1 page: %6.1f /s per core (%.3f ms; not part of the next)\n",
            step.per_s,
            step.ms
        );
    }
    std::size_t size1 = 0;
    const rate pdf1 = measure(seconds, [&] { size1 = facturx(renderer, one_page, s.icc); });
    std::printf(
        "Factur-X PDF/A-3, 1 page:    %8.1f /s per core (%.3f ms, %zu bytes)\n", pdf1.per_s, pdf1.ms, size1
    );
    std::size_t size4 = 0;
    int pages4 = renderer.render(four_pages).pages;
    const rate pdf4 = measure(seconds, [&] { size4 = facturx(renderer, four_pages, s.icc); });
    std::printf(
        "Factur-X PDF/A-3, %d pages:   %8.1f /s per core (%.3f ms, %zu bytes)\n",
        pages4,
        pdf4.per_s,
        pdf4.ms,
        size4
    );
    std::printf(
        "1-page Factur-X, %d worker processes: %7.1f /s (1 process: %.1f /s, scaling %.2fx)\n",
        workers,
        proc,
        proc_single,
        proc / proc_single
    );
    std::printf(
        "1-page Factur-X, %d worker threads:   %7.1f /s (1 thread:  %.1f /s, scaling %.2fx)\n",
        workers,
        thr,
        thr_single,
        thr / thr_single
    );
    const long rss_kb = std::max(peak_rss_kb(RUSAGE_SELF), peak_rss_kb(RUSAGE_CHILDREN));
    std::printf(
        "RESULT cii_per_s=%.0f pdf1_per_s=%.1f pdf4_per_s=%.1f peak_rss_mb=%.1f\n",
        cii_rate.per_s,
        pdf1.per_s,
        pdf4.per_s,
        static_cast<double>(rss_kb) / 1024.0
    );
    return 0;
}
