using P2P.Fuzz.Engine;
using P2P.Node.Storage;

namespace P2P.Fuzz.Targets;

/// <summary>RepoConfig.FromJson (the repo's config file): RepoException is the documented rejection; an accepted config round-trips through ToJson.</summary>
public sealed class RepoConfigTarget : IFuzzTarget
{
    public string Name => "repo-config";

    public int MaxInputLength => 4096;

    public IReadOnlyList<byte[]> Dictionary { get; } = FuzzText.Tokens(
        "{", "}", "[", "]", ":", ",", "\"", "null", "true", "-1", "1e309", "99999999999999999999", "\"\\u0000\"",
        "\"listen\"", "\"bootstrap\"", "\"api\"", "\"gateway\"", "\"syncPolicy\"", "\"limits\"", "\"reprovideInterval\"", "\"logLevel\"",
        "\"/ip4/127.0.0.1/udp/4001\"", "\"22:00:00\"", "\"-10675199.02:48:05.4775808\"", "\"batch\"", "\"none\"");

    public string Execute(ReadOnlySpan<byte> input)
    {
        var json = FuzzText.Decode(input);
        RepoConfig config;
        try
        {
            config = RepoConfig.FromJson(json, "config");
        }
        catch (RepoException e)
        {
            return "rejected: " + e.Message;
        }
        var printed = config.ToJson();
        RepoConfig again;
        try
        {
            again = RepoConfig.FromJson(printed, "config");
        }
        catch (RepoException e)
        {
            throw new FuzzInvariantException($"accepted config does not survive ToJson: {e.Message}\n{printed}", e);
        }
        if (again.ToJson() != printed)
            throw new FuzzInvariantException("config JSON is not stable through a round trip");
        return "ok";
    }

    public IEnumerable<byte[]> Seeds() =>
    [
        FuzzText.Bytes(new RepoConfig().ToJson()),
        FuzzText.Bytes(new RepoConfig { Bootstrap = ["/ip4/127.0.0.1/udp/4002"], LogLevel = "debug" }.ToJson()),
        FuzzText.Bytes("{}"),
    ];
}
