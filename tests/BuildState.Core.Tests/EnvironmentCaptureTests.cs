using System.Collections;
using BuildState.Model;

namespace BuildState.Core.Tests;

public class EnvironmentCaptureTests
{
    [Fact]
    public void Only_allow_listed_variables_are_recorded()
    {
        var environment = new Hashtable
        {
            ["GITHUB_RUN_ID"] = "12345",
            ["NUGET_API_KEY"] = "secret",
            ["AWS_SECRET_ACCESS_KEY"] = "secret",
            ["CI"] = "true",
        };
        var captured = EnvironmentCapture.Capture(EnvironmentCapture.DefaultAllowList, environment);
        Assert.Equal(new Dictionary<string, string> { ["env.GITHUB_RUN_ID"] = "12345", ["env.CI"] = "true" }, captured);
        Assert.DoesNotContain("secret", captured.Values);
    }

    [Fact]
    public void An_empty_allow_list_records_nothing()
    {
        Assert.Empty(EnvironmentCapture.Capture([], new Hashtable { ["CI"] = "true" }));
    }
}
