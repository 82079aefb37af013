using Concurrency.Analyzers.AsyncBlocking;
using Concurrency.CodeFixes.AsyncBlocking;
using VerifyCS = Concurrency.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    Concurrency.Analyzers.AsyncBlocking.BlockingTaskWaitAnalyzer,
    Concurrency.CodeFixes.AsyncBlocking.BlockingTaskWaitCodeFixProvider>;

namespace Concurrency.Analyzers.Tests.AsyncBlocking;

public class BlockingTaskWaitAnalyzerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;\n";

    [Fact]
    public Task Result_in_async_method_is_reported()
    {
        return VerifyCS.VerifyAnalyzerAsync(Usings + """
            class C
            {
                async Task<int> M(Task<int> t)
                {
                    await Task.Yield();
                    return {|#0:t.Result|};
                }
            }
            """,
            VerifyCS.Diagnostic(RuleIds.BlockingTaskWait).WithLocation(0).WithArguments(".Result", "'await'"));
    }

    [Fact]
    public Task Result_after_WhenAll_of_the_tasks_is_not_reported()
    {
        return VerifyCS.VerifyAnalyzerAsync(Usings + """
            class C
            {
                async Task<int> M(Task<int> a, Task<int> b)
                {
                    await Task.WhenAll(a, b);
                    return a.Result + b.Result;
                }
            }
            """);
    }
}
