using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace P2P.Cli;

/// <summary>
/// `p2p --help` as a compact page: each command on one line (the first line of its description), the options,
/// and a pointer to `p2p COMMAND --help`, which keeps the full description with its examples. The stock help would
/// print every command's examples in the top-level list, burying the list itself.
/// </summary>
internal sealed class RootHelpAction(HelpAction inner) : SynchronousCommandLineAction
{
    public static void Install(RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new RootHelpAction((HelpAction)help.Action!);
    }

    public override int Invoke(ParseResult parseResult)
    {
        if (parseResult.CommandResult.Command is not RootCommand root)
            return inner.Invoke(parseResult);
        var output = parseResult.InvocationConfiguration.Output;
        output.WriteLine(root.Description);
        output.WriteLine();
        output.WriteLine("Usage:");
        output.WriteLine("  p2p [command] [options]");
        output.WriteLine();
        output.WriteLine("Commands:");
        var width = root.Subcommands.Max(c => Label(c).Length) + 2;
        foreach (var command in root.Subcommands.Where(c => !c.Hidden))
            output.WriteLine($"  {Label(command).PadRight(width)}{FirstLine(command.Description)}");
        output.WriteLine();
        output.WriteLine("Options:");
        var options = root.Options.Where(o => !o.Hidden).Select(o => (Label: OptionLabel(o), o.Description)).ToList();
        var optionWidth = options.Max(o => o.Label.Length) + 2;
        foreach (var (label, description) in options)
            output.WriteLine($"  {label.PadRight(optionWidth)}{description}");
        output.WriteLine();
        output.WriteLine("Run 'p2p COMMAND --help' for a command's options and examples.");
        return 0;
    }

    private static string Label(Command command) =>
        command.Arguments.Count == 0 ? command.Name : $"{command.Name} {string.Join(' ', command.Arguments.Select(a => $"<{a.Name}>"))}";

    /// <summary>Names and aliases, then the value's shape: its allowed values when there is a fixed set.</summary>
    private static string OptionLabel(Option option)
    {
        var names = string.Join(", ", option.Aliases.Append(option.Name).Where(a => a.StartsWith('-')).Distinct().OrderBy(a => a.Length));
        if (option is HelpOption or VersionOption || option.ValueType == typeof(bool))
            return names;
        var values = option.GetCompletions(CompletionContext.Empty).Select(c => c.Label).ToList();
        return $"{names} <{(values.Count > 0 ? string.Join('|', values) : option.HelpName ?? option.Name.TrimStart('-'))}>";
    }

    private static string FirstLine(string? text) => (text ?? "").Split('\n')[0].Trim();
}
