using BuildState.Cli.Tests.Infrastructure;

namespace BuildState.Cli.Tests;

/// <summary>`validate` of the whole store reports each damaged or refused file once, with the exit code of its kind.</summary>
public sealed class ValidateRealProblemTests : IDisposable
{
    private readonly TestStore _store = new TestStore().WithTwoBuilds();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void A_state_file_that_is_a_symbolic_link_fails_whole_store_validation_with_6()
    {
        Bs.Run(_store.Repo, "status"); // the index lists every build
        var state = _store.StateFile(TestStore.App);
        var elsewhere = Path.Combine(_store.Repo, "elsewhere.json");
        File.Move(state, elsewhere);
        File.CreateSymbolicLink(state, elsewhere);

        var result = Bs.Run(_store.Repo, "validate", "--json");

        Assert.True(result.Code == 6, result.ToString());
        var problem = Assert.Single(result.Json.GetProperty("problems").EnumerateArray());
        Assert.Equal("PermissionDenied", problem.GetProperty("kind").GetString());
        Assert.Equal(state, problem.GetProperty("file").GetString());
        Assert.Contains("symbolic link", problem.GetProperty("message").GetString());
    }

    [Fact]
    public void A_truncated_state_is_reported_once_without_a_spurious_index_line()
    {
        Bs.Run(_store.Repo, "status");
        var state = _store.StateFile(TestStore.Core);
        using (var stream = new FileStream(state, FileMode.Open))
        {
            stream.SetLength(100);
        }

        var result = Bs.Run(_store.Repo, "validate");

        Assert.True(result.Code == 3, result.ToString());
        Assert.Contains(state, result.Out);
        Assert.DoesNotContain("index", result.Out);
        Assert.DoesNotContain("dependency", result.Out);
        Assert.Contains("1 problem(s)", result.Out);
    }
}
