import 'vant/es/style/base.css'
import 'vant/es/badge/index.css'
import 'vant/es/icon/index.css'
import 'vant/es/loading/index.css'
import 'vant/es/button/index.css'

export { Button as VanButton } from 'vant'
