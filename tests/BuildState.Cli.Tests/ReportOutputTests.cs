using BuildState.Cli.Tests.Infrastructure;
using BuildState.Store;

namespace BuildState.Cli.Tests;

/// <summary>report -o: a file path is written as given; a folder gets buildstate-report.html inside it.</summary>
public sealed class ReportOutputTests : IDisposable
{
    private readonly TestStore _store = new TestStore().WithTwoBuilds();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void An_existing_folder_gets_the_report_inside_it()
    {
        var folder = Path.Combine(_store.Repo, "out");
        Directory.CreateDirectory(folder);

        var result = Bs.Run(_store.Repo, "report", "-o", folder, "--json");

        Assert.True(result.Code == 0, result.ToString());
        var written = Path.Combine(folder, "buildstate-report.html");
        Assert.Equal(written, result.Json.GetProperty("path").GetString());
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(written), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Json_bytes_is_the_size_of_the_file_written()
    {
        var file = Path.Combine(_store.Repo, "r.html"); // the report holds non-ASCII characters (·, →)

        var result = Bs.Run(_store.Repo, "report", "-o", file, "--json");

        Assert.Equal(new FileInfo(file).Length, result.Json.GetProperty("bytes").GetInt64());
    }

    [Fact]
    public void An_interrupted_build_is_counted_apart_not_as_failing()
    {
        _store.Store.StartRun(TestStore.Core, new StartRunRequest { RunId = "cut" });
        _store.Store.EndRun(TestStore.Core, RunOutcome.Interrupted);
        var file = Path.Combine(_store.Repo, "r.html");

        Bs.Run(_store.Repo, "report", "-o", file);

        var html = File.ReadAllText(file);
        Assert.Contains("<div class=\"stat failed bad\"><b>1</b><span>failing now</span></div>", html); // Lib's compile error
        Assert.Contains("<div class=\"stat interrupted\"><b>1</b><span>interrupted</span></div>", html);
    }
}
