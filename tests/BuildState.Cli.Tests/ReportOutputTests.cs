using BuildState.Cli.Tests.Infrastructure;

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
}
