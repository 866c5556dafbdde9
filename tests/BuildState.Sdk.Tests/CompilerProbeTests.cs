using BuildState.Sdk.Session;

namespace BuildState.Sdk.Tests;

public class CompilerProbeTests
{
    [Fact]
    public void The_probe_sends_every_file_the_compiler_writes_to_the_scratch_folder_and_adds_its_error_log()
    {
        var scratch = Path.Combine(Path.GetTempPath(), "scratch dir");
        var arguments = CompilerProbe.Arguments(
            [
                "/noconfig", "/out:obj/Debug/net10.0/App.dll", "-refout:\"obj/Debug/net10.0/refint/App.dll\"", "/doc:obj/App.xml",
                "/pdb:obj/App.pdb", "/generatedfilesout:obj/generated/", "/errorlog:own.sarif,version=2.1", "/define:TRACE;DEBUG",
                "/features:\"InterceptorsNamespaces=;Generated\"", "Program.cs", "/reference:/packs/System.Runtime.dll",
            ],
            scratch,
            "/tmp/errors.sarif");

        Assert.Equal(
            [
                "/noconfig", $"/out:\"{Path.Combine(scratch, "App.dll")}\"", $"/refout:\"{Path.Combine(scratch, "refout", "App.dll")}\"",
                $"/doc:\"{Path.Combine(scratch, "doc", "App.xml")}\"", $"/pdb:\"{Path.Combine(scratch, "pdb", "App.pdb")}\"",
                $"/generatedfilesout:\"{Path.Combine(scratch, "generatedfilesout", "generated")}\"", "/define:TRACE;DEBUG",
                "/features:\"InterceptorsNamespaces=;Generated\"", "Program.cs", "/reference:/packs/System.Runtime.dll",
                "/errorlog:/tmp/errors.sarif,version=2.1",
            ],
            arguments);
    }

    [Fact]
    public void Source_files_are_quoted_so_the_compiler_reads_each_as_one_file()
    {
        // The Csc task hands out its source files without the quotes its own command line had:
        // unquoted, a space splits a file in two and a comma or semicolon separates files.
        var arguments = CompilerProbe.Arguments(
            ["/reference:\"/a dir/Q R.dll\"", "Bad file.cs", "com,ma.cs", "semi;colon.cs", "Plain.cs", "/src/abs dir/Abs.cs", "\"Quoted already.cs\""],
            "/scratch",
            "/tmp/errors.sarif");

        Assert.Equal(
            [
                "/reference:\"/a dir/Q R.dll\"", "\"Bad file.cs\"", "\"com,ma.cs\"", "\"semi;colon.cs\"", "Plain.cs", "\"/src/abs dir/Abs.cs\"",
                "\"Quoted already.cs\"", "/errorlog:/tmp/errors.sarif,version=2.1",
            ],
            arguments);
    }

    [Theory]
    [InlineData("/out:x.dll", "out")]
    [InlineData("-OUT:x.dll", "out")]
    [InlineData("/errorlog:a.sarif,version=2.1", "errorlog")]
    [InlineData("/noconfig", null)]
    [InlineData("/src/App/Program.cs", null)]
    [InlineData("/src/a:b/Program.cs", null)]
    [InlineData("C:/src/Program.cs", null)]
    [InlineData("Program.cs", null)]
    public void Options_are_told_from_source_files(string argument, string? expected) =>
        Assert.Equal(expected, CompilerProbe.OptionName(argument));
}
