using System.Text.RegularExpressions;
using BuildState.Cli.Tests.Infrastructure;

namespace BuildState.Cli.Tests;

/// <summary>The HTML report: self-contained, and what a real browser shows of it.</summary>
public sealed class ReportTests : IDisposable
{
    private readonly TestStore _store = new();

    public ReportTests() => RealisticStore.Fill(_store);

    public void Dispose() => _store.Dispose();

    private string Write()
    {
        var file = Path.Combine(_store.Repo, "report.html");
        var result = Bs.Run(_store.Repo, "report", "--output", file, "--json");
        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal(file, result.Json.GetProperty("path").GetString());
        if (Environment.GetEnvironmentVariable("BUILDSTATE_KEEP_REPORT") is { Length: > 0 } keep)
        {
            File.Copy(file, keep, overwrite: true);
        }

        return file;
    }

    [Fact]
    public void The_report_is_self_contained()
    {
        var html = File.ReadAllText(Write());
        Assert.DoesNotMatch(new Regex("(src|href)=\"(https?:)?//", RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<style>", html);
        Assert.Contains("<svg", html);
        Assert.Contains("ci-1003", html);
    }

    [Fact]
    public void Chromium_shows_runs_builds_phases_failures_and_the_dependency_graph()
    {
        if (Chromium.Path is null)
        {
            Assert.Fail("chromium is not installed: apt-get install -y chromium");
        }

        var dom = Chromium.DumpDom(Write());
        Assert.Contains("data-ready=\"true\"", dom); // the script ran
        Assert.Equal(3, Regex.Matches(dom, "<section class=\"card run").Count);
        Assert.Equal(3, Regex.Matches(dom, "<button class=\"tab").Count);
        var latest = Regex.Match(dom, "<section class=\"card run active\" id=\"run-0\" data-run-id=\"(?<id>[^\"]+)\"");
        Assert.Equal("ci-1003", latest.Groups["id"].Value);
        foreach (var project in new[] { "Core", "Data", "Web", "Web.Tests", "Gen" })
        {
            Assert.Contains($">{project}<small>", dom);
        }

        Assert.Contains("class=\"seg phase-build\"", dom);
        Assert.Contains("class=\"seg phase-test\"", dom);
        Assert.Contains("class=\"seg phase-error\"", dom);
        // Run 2 failed: its Data row is highlighted with the compiler message.
        var run2 = dom[dom.IndexOf("data-run-id=\"ci-1002\"", StringComparison.Ordinal)..];
        run2 = run2[..run2.IndexOf("</section>", StringComparison.Ordinal)];
        Assert.Contains("class=\"row build failed\" data-build=\"src/Data/Data.csproj|Release|net10.0\"", run2);
        Assert.Contains("CS0246", run2);
        Assert.Contains("The type or namespace name 'Repository' could not be found", run2);
        Assert.Contains("src/Data/Store.cs(41,17)", run2);
        // Dependency graph: 5 nodes, Web -> Core and Web -> Data edges.
        Assert.Equal(5, Regex.Matches(dom, "<g class=\"node ").Count);
        Assert.Contains("data-from=\"src/Web/Web.csproj|Release|net10.0\" data-to=\"src/Core/Core.csproj|Release|net10.0\"", dom);
        Assert.Contains("data-from=\"src/Web/Web.csproj|Release|net10.0\" data-to=\"src/Data/Data.csproj|Release|net10.0\"", dom);
        // Artifact counts per row and the summary.
        Assert.Contains("<div class=\"info num artifacts\">1</div>", dom);
        Assert.Contains("Release · net10.0 · tests: 121 passed, 0 failed, 2 skipped</small>", dom);
        Assert.Matches("<b>5</b><span>builds</span>", dom);
    }

    [Fact]
    public void Chromium_renders_a_screenshot()
    {
        if (Chromium.Path is null)
        {
            Assert.Fail("chromium is not installed: apt-get install -y chromium");
        }

        var png = Path.Combine(_store.Repo, "report.png");
        Chromium.Screenshot(Write(), png);
        var bytes = File.ReadAllBytes(png);
        Assert.True(bytes.Length > 10_000, $"screenshot is only {bytes.Length} bytes");
        Assert.Equal(0x89, bytes[0]);
        if (Environment.GetEnvironmentVariable("BUILDSTATE_KEEP_SCREENSHOT") is { Length: > 0 } keep)
        {
            File.Copy(png, keep, overwrite: true);
        }
    }

    [Fact]
    public void A_full_disk_is_7_and_an_impossible_path_is_1()
    {
        var full = Bs.Run(_store.Repo, "report", "--output", "/dev/full");
        Assert.True(full.Code == 7, full.ToString());
        Assert.Contains("/dev/full", full.Err);
        Assert.Contains("; free some space on that disk, or choose another place", full.Err);
        var file = Path.Combine(_store.Repo, "a-file");
        File.WriteAllText(file, "");
        var impossible = Bs.Run(_store.Repo, "report", "--output", Path.Combine(file, "report.html"));
        Assert.True(impossible.Code == 1, impossible.ToString());
        Assert.Single(impossible.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_report_into_a_folder_that_does_not_exist_says_to_create_it()
    {
        var result = Bs.Run(_store.Repo, "report", "--output", Path.Combine(_store.Repo, "no-such-folder", "report.html"));
        Assert.True(result.Code == 1, result.ToString());
        var line = Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("cannot write the report: ", line);
        Assert.Contains("; its folder does not exist: create it first, or choose another place (General, exit code 1)", line);
    }
}
