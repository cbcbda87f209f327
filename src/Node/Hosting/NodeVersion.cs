using System.Reflection;
using System.Runtime.InteropServices;

namespace P2P.Node.Hosting;

/// <summary>
/// What `p2p version` and <c>/api/v0/version</c> report, in kubo's fields: Version, Commit, Repo, System and Golang
/// (here the .NET runtime that plays the Go toolchain's part). Read from the running program, so the CLI offline and
/// a daemon of the same build print the same.
/// </summary>
public sealed record NodeVersion(string Version, string Commit, string Repo, string System, string Golang)
{
    /// <summary>The running program's version; the commit is the build's source revision when the SDK recorded one.</summary>
    public static NodeVersion Current()
    {
        var assembly = Assembly.GetEntryAssembly() ?? typeof(NodeVersion).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
        // The SDK appends "+<commit>" to the informational version of a build made in a git work tree.
        var plus = informational.IndexOf('+', global::System.StringComparison.Ordinal);
        var version = plus < 0 ? informational : informational[..plus];
        var commit = plus < 0 ? "" : informational[(plus + 1)..];
        if (commit.Length > 7)
            commit = commit[..7];
        var arch = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        var os = global::System.OperatingSystem.IsLinux() ? "linux" : global::System.OperatingSystem.IsMacOS() ? "darwin" : global::System.OperatingSystem.IsWindows() ? "windows" : "unknown";
        return new NodeVersion(version, commit, Storage.Repo.CurrentVersion.ToString(global::System.Globalization.CultureInfo.InvariantCulture),
            $"{arch}/{os}", "dotnet" + global::System.Environment.Version);
    }
}
