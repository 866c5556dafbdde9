using System.Reflection;
using Xunit.Abstractions;

[assembly: TestCollectionOrderer("BuildState.Sdk.Tests.Infrastructure.LongestClassesFirst", "BuildState.Sdk.Tests")]

namespace BuildState.Sdk.Tests.Infrastructure;

/// <summary>
/// Starts the test classes (each its own collection, run two at a time) with the most tests first.
/// Every end-to-end test runs real builds, so a class's test count is a fair measure of its length;
/// a long class started last would leave one thread idle while it runs alone.
/// </summary>
public sealed class LongestClassesFirst : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections
            .OrderByDescending(TestCount)
            .ThenBy(c => c.DisplayName, StringComparer.Ordinal);

    private static int TestCount(ITestCollection collection)
    {
        // A class's own collection is named "Test collection for <full class name>".
        const string Prefix = "Test collection for ";
        var name = collection.DisplayName.StartsWith(Prefix, StringComparison.Ordinal) ? collection.DisplayName[Prefix.Length..] : "";
        var type = typeof(LongestClassesFirst).Assembly.GetType(name);
        return type?.GetMethods().Count(m => m.GetCustomAttribute<FactAttribute>() is not null) ?? 0;
    }
}
