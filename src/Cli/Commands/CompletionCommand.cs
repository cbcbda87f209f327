using System.CommandLine;
using P2P.Cli.Infrastructure;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p completion bash|zsh`: prints a shell function that asks p2p itself for completions through
/// System.CommandLine's <c>[suggest:POSITION]</c> directive, so the suggestions always match the installed version
/// (commands, options, and the values an option accepts such as <c>--enc json|text</c>). No extra tool is needed.
/// </summary>
internal static class CompletionCommand
{
    // COMP_LINE and COMP_POINT are the whole line and the cursor offset; p2p answers one suggestion per line, already
    // narrowed to the word under the cursor. The Windows-style help aliases (/?, /h) are left out. -o default falls
    // back to file names when p2p has nothing to offer.
    private const string Bash = """
        # p2p bash completion: add `source <(p2p completion bash)` to ~/.bashrc
        _p2p_complete() {
            local IFS=$'\n'
            local word="${COMP_WORDS[COMP_CWORD]}"
            COMPREPLY=( $(compgen -W "$(p2p "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null | grep -v '^/')" -- "${word}") )
        }
        complete -o default -F _p2p_complete p2p
        """;

    // BUFFER and CURSOR are zsh's line and cursor offset; compadd filters by the word being typed.
    private const string Zsh = """
        # p2p zsh completion: add `source <(p2p completion zsh)` to ~/.zshrc (after compinit)
        _p2p() {
            local -a suggestions
            suggestions=(${(f)"$(p2p "[suggest:${CURSOR}]" "${BUFFER}" 2>/dev/null | grep -v '^/')"})
            compadd -a suggestions
            _files
        }
        compdef _p2p p2p
        """;

    public static Command Create()
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion",
            "Print a shell completion script.\n\nExamples:\n  source <(p2p completion bash)    # in ~/.bashrc\n  source <(p2p completion zsh)     # in ~/.zshrc, after compinit")
        {
            shell,
        };
        CommandRunner.SetAction(command, (parse, _) =>
        {
            Console.Out.WriteLine(parse.GetValue(shell) == "zsh" ? Zsh : Bash);
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
