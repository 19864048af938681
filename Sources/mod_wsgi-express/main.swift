import ExpressCore
import Foundation

exit(ExpressMain.run(Array(CommandLine.arguments.dropFirst())))
